# Managers 2..N join manager 0 over the private network (Busflow infrastructure §1).

resource "null_resource" "manager_join_token" {
  depends_on = [hcloud_server.manager]

  connection {
    type        = "ssh"
    host        = hcloud_server.manager[0].ipv4_address
    user        = "root"
    private_key = var.ssh_private_key
    host_key    = tls_private_key.host_key_manager[0].public_key_openssh
  }

  provisioner "remote-exec" {
    inline = ["docker swarm join-token -q manager > /root/manager-join-token"]
  }
}

resource "null_resource" "swarm_join_manager" {
  count      = var.manager_count - 1
  depends_on = [null_resource.manager_join_token]

  connection {
    type        = "ssh"
    host        = hcloud_server.manager[count.index + 1].ipv4_address
    user        = "root"
    private_key = var.ssh_private_key
    host_key    = tls_private_key.host_key_manager[count.index + 1].public_key_openssh
  }

  provisioner "remote-exec" {
    on_failure = fail
    inline = [
      "docker swarm join --token $(ssh root@${local.manager_private_ip} cat /root/manager-join-token) ${one(hcloud_server.manager[0].network).ip}:2377 || (journalctl -u docker --no-pager | tail -n 50; exit 1)",
    ]
  }
}
