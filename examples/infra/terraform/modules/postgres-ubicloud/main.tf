# The managed instance. The published provider has no firewall-rule or
# metric-destination resource for Postgres and never sends
# restrict_by_default: busflow-ubicloud's client reconciles the firewall
# (var.allowed_cidrs on 5432) and the metric destination after apply.

locals {
  ubicloud_location = {
    fsn1 = "eu-central-h1"
  }
}

resource "ubicloud_postgres" "primary" {
  project_id = var.ubicloud_project_id
  location   = local.ubicloud_location[var.hetzner_location]
  name       = "busflow-${var.environment}"
  size       = var.postgres_tier
  ha_type    = var.ha_mode
  version    = tostring(var.postgres_version)
}

data "ubicloud_postgres" "primary" {
  project_id = var.ubicloud_project_id
  location   = ubicloud_postgres.primary.location
  name       = ubicloud_postgres.primary.name
}
