testVar = "ValueFROMmain/tfvars"
