"""Wins, kudos, company values and the webhook replay store over SQL (RecognitionStore). May import
storage.models, storage.crm and the coaching domain."""
