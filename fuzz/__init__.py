"""`make fuzz`: Schemathesis against the app's OpenAPI document (not part of `make test`)."""
