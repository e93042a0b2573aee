testVar = "ValueFROM./tfvars"
