# Inputs of the managed-Postgres module (Busflow infrastructure §6.2).

variable "environment" {
  description = "Deployment environment (production, staging)."
  type        = string
}

variable "ubicloud_project_id" {
  description = "The Ubicloud project, from the Ubicloud console."
  type        = string
}

variable "hetzner_location" {
  description = "Hetzner location; must match the swarm's for latency and GDPR residency."
  type        = string
  default     = "fsn1"

  validation {
    condition     = contains(["fsn1"], var.hetzner_location)
    error_message = "hetzner_location must be fsn1."
  }
}

variable "postgres_tier" {
  description = "Ubicloud Postgres size."
  type        = string
  default     = "standard-2"
}

variable "postgres_version" {
  description = "PostgreSQL major version."
  type        = number
  default     = 16
}

variable "ha_mode" {
  description = "High availability: async or sync standby."
  type        = string
  default     = "async"

  validation {
    condition     = contains(["async", "sync"], var.ha_mode)
    error_message = "ha_mode must be async or sync."
  }
}

variable "pitr_retention_days" {
  description = "Point-in-time recovery window (Ubicloud keeps 7 days)."
  type        = number
  default     = 7
}

variable "allowed_cidrs" {
  description = "The swarm's CIDRs, from module.network.swarm_cidrs; reconciled as firewall rules by busflow-ubicloud."
  type        = list(string)
}
