# The swarm's nodes (Busflow infrastructure §1, ADR-023, ADR-025).

locals {
  swarm_labels = {
    "busflow-swarm" = "true"
  }

  # Every node starts from this script; only manager 0 appends `swarm init`.
  docker_install_script = <<-EOT
    #!/bin/bash
    set -euo pipefail
    apt-get update
    apt-get install -y docker.io
    systemctl enable --now docker
  EOT

  manager_private_ip = "10.0.1.1"
}

resource "tls_private_key" "host_key_manager" {
  count     = var.manager_count
  algorithm = "ED25519"
}

resource "hcloud_server" "manager" {
  count       = var.manager_count
  name        = "manager-${count.index + 1}"
  server_type = var.manager_type
  image       = var.image
  location    = var.hetzner_location
  ssh_keys    = var.ssh_key_ids
  labels      = merge(local.swarm_labels, { role = "manager" })

  user_data = count.index == 0 ? "${local.docker_install_script}\ndocker swarm init --advertise-addr ${local.manager_private_ip}\n" : local.docker_install_script

  # Each manager is reached with its own pinned host key (ADR-025).
  connection {
    type        = "ssh"
    host        = self.ipv4_address
    user        = "root"
    private_key = var.ssh_private_key
    host_key    = tls_private_key.host_key_manager[count.index].public_key_openssh
  }

  provisioner "remote-exec" {
    inline = ["cloud-init status --wait"]
  }

  network {
    network_id = var.private_network_id
    ip         = count.index == 0 ? local.manager_private_ip : null
  }
}

resource "hcloud_server" "stateful_worker" {
  count       = 1
  name        = "stateful-worker-1"
  server_type = var.worker_type
  image       = var.image
  location    = var.hetzner_location
  ssh_keys    = var.ssh_key_ids
  labels      = merge(local.swarm_labels, { tier = "stateful" })
  user_data   = local.docker_install_script

  network {
    network_id = var.private_network_id
  }
}

resource "hcloud_server" "observability_worker" {
  count       = 1
  name        = "observability-worker-1"
  server_type = var.observability_type
  image       = var.image
  location    = var.hetzner_location
  ssh_keys    = var.ssh_key_ids
  labels      = merge(local.swarm_labels, { tier = "observability" })
  user_data   = local.docker_install_script

  network {
    network_id = var.private_network_id
  }
}

resource "hcloud_volume" "data" {
  name      = "swarm-data"
  size      = var.data_volume_size
  server_id = hcloud_server.stateful_worker[0].id
  automount = false
  format    = "ext4"
}
