"""A virtual 運転免許証 chip: a second card personality served by ``simulators.mynumber_card``'s vpcd link."""
