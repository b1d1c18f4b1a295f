"""App Home: gathers every feature's view of a person and publishes it. The one feature package that may import the
others (it shows them all); none of them imports it (they ask Services.refresh_home)."""
