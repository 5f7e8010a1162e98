"""The fitted model: features of a response, the probes' outcomes, the parameters, and
the corpus of real refusals they are fitted on."""
