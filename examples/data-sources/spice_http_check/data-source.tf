# The manual's health checks, as warnings on every plan and apply.
check "oms_health" {
  data "spice_http_check" "oms" {
    url = "http://127.0.0.1:8000/health"
  }
  assert {
    condition     = data.spice_http_check.oms.healthy
    error_message = "OMS answered ${data.spice_http_check.oms.status} ${data.spice_http_check.oms.error}"
  }
}

check "terminusdb_health" {
  data "spice_http_check" "terminusdb" {
    url     = "http://127.0.0.1:6363/api/ok"
    timeout = "2s"
  }
  assert {
    condition     = data.spice_http_check.terminusdb.healthy
    error_message = "TerminusDB answered ${data.spice_http_check.terminusdb.status}"
  }
}
