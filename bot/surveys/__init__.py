"""Pulse surveys and eNPS in Slack: answer buttons and modals, /pulse and /enps, the survey messenger's messages,
who may see which team (access) and the results workbook.
Imports the shared bot modules, bot.runtime, the domain and storage; no other feature package."""
