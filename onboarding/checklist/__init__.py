"""The personal arrival checklist: pages, API and the rules behind them."""
