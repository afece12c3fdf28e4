"""The count's pure rules: its data objects (`models`) and how sheets and decisions add up to a
tally (`tally`). No I/O: the counting service and the verifier both use them."""
