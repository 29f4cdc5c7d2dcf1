"""QR onboarding codes: issuing, looking up and redeeming join tokens."""
