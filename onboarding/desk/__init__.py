"""The coordinator's desk: composes the features for staff. Per location: issue and print join
codes, see arrivals (progress only when shared), approve buddies, see the help that is needed,
set the contact line, make a recovery QR, and (admins) delete an account on request."""
