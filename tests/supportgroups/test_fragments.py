"""The process's own fragment store keeps the most recently used fragments and drops the rest."""

from supportgroups.fragments import LocalFragments


def test_the_most_recently_used_fragments_stay_and_the_oldest_go():
    local = LocalFragments(size=2)
    local.set_many({"a": ("slot", "A"), "b": ("slot", "B")})
    assert local.get_many(["a"]) == {"a": ("slot", "A")}  # a is now the most recent
    local.set_many({"c": ("slot", "C")})
    assert local.get_many(["a", "b", "c"]) == {"a": ("slot", "A"), "c": ("slot", "C")}


def test_a_store_of_size_zero_keeps_nothing():
    local = LocalFragments(size=0)
    local.set_many({"a": ("slot", "A")})
    assert local.get_many(["a"]) == {}
