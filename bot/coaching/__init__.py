"""Coaching in Slack: /coach, the weekly digest and its chart, the Excel pack, and the CRM import commands.
Imports shared bot modules, bot.runtime, the domain and storage; no other feature package."""
