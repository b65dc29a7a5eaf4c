"""Headquarters' pages: users, sessions and login limits (auth.py), one counter's day and its CSV
(counter_view.py), and what every page shares: templates, cookies, headers (web.py). The routes
in api/routes/hq.py stay thin and call these."""
