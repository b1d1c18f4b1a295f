"""Wins and kudos in Slack: /kudos, /win, the win and milestone posts, the shout-out, the CRM deals webhook
and the recognition workbook. Imports shared bot modules, bot.runtime, the domain and storage; no other feature."""
