"""What the municipality learns from newcomers without exposing anyone: counts per step, stuck
reasons, check-in results, buddy requests and questions, k-anonymous (small counts and counts
that would reveal them by subtraction are suppressed)."""
