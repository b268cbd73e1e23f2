# Inputs of the swarm module (Busflow infrastructure §1).

variable "manager_count" {
  description = "Swarm managers; odd so that Raft keeps a majority (1, 3, 5)."
  type        = number
  default     = 1

  validation {
    condition     = var.manager_count % 2 == 1
    error_message = "manager_count must be odd (1, 3 or 5) to keep a Raft majority."
  }
}

variable "hetzner_location" {
  description = "Hetzner location of every node: Falkenstein, for Raft latency and GDPR residency."
  type        = string
  default     = "fsn1"

  validation {
    condition     = contains(["fsn1"], var.hetzner_location)
    error_message = "hetzner_location must be fsn1."
  }
}
