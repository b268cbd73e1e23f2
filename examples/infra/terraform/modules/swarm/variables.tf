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

variable "manager_type" {
  description = "Server type of the managers."
  type        = string
  default     = "cpx21"
}

variable "worker_type" {
  description = "Server type of the stateful worker."
  type        = string
  default     = "cpx31"
}

variable "observability_type" {
  description = "Server type of the observability worker: cpx21 or larger (3 vCPU, 4 GB)."
  type        = string
  default     = "cpx31"
}

variable "image" {
  description = "Operating system image of every node."
  type        = string
  default     = "debian-12"
}

variable "ssh_key_ids" {
  description = "Hetzner SSH key IDs allowed to log in as root."
  type        = list(string)
  default     = []
}

variable "private_network_id" {
  description = "The Hetzner private network the swarm talks over."
  type        = string
  default     = ""
}

variable "ssh_private_key" {
  description = "The private key the provisioners log in with."
  type        = string
  sensitive   = true
  default     = ""
}

variable "data_volume_size" {
  description = "Size of the stateful worker's data volume in GB (auto-resize caps at 100)."
  type        = number
  default     = 20
}
