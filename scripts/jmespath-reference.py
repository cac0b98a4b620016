#!/usr/bin/env python3
"""The JMESPath reference for Tributary's tests: reads [{"document": ..., "expressions": [...]}, ...] on stdin and
writes, for each expression in order, {"value": result} or {"error": "<exception class>"} as computed by Python's
`jmespath` package (the reference implementation of the specification)."""
import json
import sys

import jmespath

results = []
for group in json.load(sys.stdin):
    for expression in group["expressions"]:
        try:
            results.append({"value": jmespath.search(expression, group["document"])})
        except Exception as error:  # every failure counts as "refused", whatever its class
            results.append({"error": type(error).__name__})
json.dump(results, sys.stdout)
