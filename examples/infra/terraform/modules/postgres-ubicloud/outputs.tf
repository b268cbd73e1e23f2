# Fed to Docker secrets by secrets-sync.yml. The provider has one
# connection string and no CA: the reader URI and the CA come from
# busflow-ubicloud's client, passed in by the environment.

variable "reader_uri" {
  description = "The read-replica URI busflow-ubicloud built (sslmode=verify-full)."
  type        = string
  sensitive   = true
  default     = ""
}

variable "ca_certificate_pem" {
  description = "The instance's CA, read by busflow-ubicloud from ca-certificates."
  type        = string
  sensitive   = true
  default     = ""
}

output "connection_uri_writer" {
  value     = data.ubicloud_postgres.primary.connection_string
  sensitive = true
}

output "connection_uri_reader" {
  value     = var.reader_uri
  sensitive = true
}

output "ca_certificate" {
  value     = var.ca_certificate_pem
  sensitive = true
}

output "instance_fqdn" {
  value = "${ubicloud_postgres.primary.name}.postgres.ubicloud.com"
}
