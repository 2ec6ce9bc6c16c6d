"""Helpers shared by the care services."""



from ambito.accounts.services import access_log_record


def _log(actor, record, action, purpose):
    access_log_record(actor=actor, record=record, action=action, purpose=purpose)
