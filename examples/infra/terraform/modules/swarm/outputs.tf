output "manager_host_keys" {
  description = "Every manager's SSH host key fingerprint, for CI to pin (ADR-025)."
  value       = { for i, k in tls_private_key.host_key_manager : "manager-${i + 1}" => k.public_key_fingerprint_sha256 }
}
