# The managed load balancer in front of every swarm node (ADR-024).

resource "hcloud_load_balancer" "ingress" {
  name               = "ingress"
  load_balancer_type = "lb11"
  location           = var.hetzner_location
}

resource "hcloud_load_balancer_service" "http" {
  load_balancer_id = hcloud_load_balancer.ingress.id
  protocol         = "http"

  health_check {
    protocol = "http"
    port     = 80
    interval = 15
    timeout  = 10
    retries  = 3

    http {
      path = "/healthz"
    }
  }
}

resource "hcloud_load_balancer_service" "https" {
  load_balancer_id = hcloud_load_balancer.ingress.id
  protocol         = "tcp"
  listen_port      = 443
  destination_port = 443

  health_check {
    protocol = "http"
    port     = 80
    interval = 15
    timeout  = 10
    retries  = 3

    http {
      path = "/healthz"
    }
  }
}

resource "hcloud_load_balancer_target" "swarm" {
  load_balancer_id = hcloud_load_balancer.ingress.id
  type             = "label_selector"
  label_selector   = "busflow-swarm=true"
}
