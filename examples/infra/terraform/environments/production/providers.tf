# Provider contract of the production environment (000 §6.2). The document
# pins "~> 0.3", a line that was never released (0.1.0 … 0.1.3 exist):
# busflow's UBI-TF-004 refuses it, and this pins the line that exists.

terraform {
  required_providers {
    ubicloud = { source = "ubicloud/ubicloud", version = "~> 0.1" }
  }
}

variable "ubicloud_project_id" {
  description = "The Ubicloud project."
  type        = string
}

provider "ubicloud" {
  project_id = var.ubicloud_project_id
}
