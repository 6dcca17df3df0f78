"""Schedules and power share (manual §12.7.3, §12.7.4, §12.8.1).

    settings.py       the schedules' and the plugs' settings rows and their checks
    due.py            when the battery test and the eco mode periods are due (pure)
    powershare.py     what each plug's mode wants (pure)
    availability.py   what the UPS allows now, from its snapshot (pure)
    feature.py        the Schedules feature: ticks on the card clock, sends through card.ups
"""
