# Adopt a secret that already lives in an env file on the host, without
# putting it on the command line: PATH#NAME.
terraform import spice_secret.secret_key '/opt/spice-harvester/.env#SECRET_KEY'
