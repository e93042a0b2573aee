a = <<EOT
never ends
