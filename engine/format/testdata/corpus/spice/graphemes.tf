conjunct_क्ष = "x" # comment
ab = "👩‍👩‍👧" # family
abc = "é" # combining
