testVar = "ValueFROMtests/tfvars"
