"""All network input of govwatch: GOV.UK Atom, Search and Content APIs, any RSS/Atom feed."""
