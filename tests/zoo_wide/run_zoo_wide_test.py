#!/usr/bin/python3
"""Unit checks of the wide zoo's tolerance rule (run_zoo_wide.tolerance_for, file_failures,
failures) on hand-written worker records: the peer's own difference raises the tolerance to
twice itself and no further, a drift over that bound fails, a peer difference above the cap or
a failed peer leaves 1e-4, and the input check scales with the tolerance applied; and the
address-space limit the peer's export of the MViT models runs under.

Usage:
    /usr/bin/python3 tests/zoo_wide/run_zoo_wide_test.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_zoo_wide as rz  # noqa: E402

SENSITIVE = 0.5  # LibTorch's outputs on two inputs differ by half the largest output


def checked(diff, sensitivity=SENSITIVE):
    return {"problems": [], "tag_problems": [], "max_rel_diff": diff, "input_sensitivity": sensitivity,
            "tags_match_peer": True}


def row(ours, peer, peer_ok=True, scripted=None):
    r = {"name": "resnet152", "peer_ok": peer_ok, "traced": checked(ours), "ours_error": None,
         "scripted": dict(checked(scripted), scriptable=True) if scripted is not None else {"scriptable": False}}
    if peer is not None:
        r["peer_max_rel_diff"] = peer
    return r


class ToleranceRule(unittest.TestCase):
    def test_peer_difference_raises_the_tolerance_to_twice_itself(self):
        self.assertAlmostEqual(rz.tolerance_for(row(0, 5.41e-4)), 1.082e-3)
        self.assertEqual(rz.tolerance_for(row(0, 3e-5)), 1e-4)  # a small peer difference keeps 1e-4
        self.assertEqual(rz.tolerance_for(row(0, 0.0)), 1e-4)

    def test_drift_over_the_bound_fails(self):
        self.assertEqual(rz.failures(row(5.41e-4, 5.41e-4))[0], [])  # as far off as the peer's own file
        self.assertEqual(rz.failures(row(1.0e-3, 5.41e-4))[0], [])  # within twice it
        traced = rz.failures(row(1.2e-3, 5.41e-4))[0]
        self.assertEqual(len(traced), 1)
        self.assertIn("differs from LibTorch by 0.0012 of the largest output (tolerance 0.001082)", traced[0])

    def test_scripted_file_is_judged_with_the_same_tolerance(self):
        traced, scripted = rz.failures(row(5e-4, 5e-4, scripted=1.5e-3))
        self.assertEqual(traced, [])
        self.assertEqual(len(scripted), 1)
        self.assertIn("tolerance 0.001)", scripted[0])

    def test_peer_difference_above_the_cap_loosens_nothing(self):
        self.assertEqual(rz.tolerance_for(row(0, 0.504)), 1e-4)  # ssd300_vgg16: the peer's file is wrong
        self.assertEqual(rz.tolerance_for(row(0, float("inf"))), 1e-4)
        self.assertEqual(len(rz.failures(row(2e-4, 0.504))[0]), 1)
        self.assertEqual(rz.tolerance_for(row(0, 1e-3)), 2e-3)  # the cap itself still counts

    def test_without_the_peer_the_base_tolerance_applies(self):
        self.assertEqual(rz.tolerance_for(row(0, 5e-4, peer_ok=False)), 1e-4)
        self.assertEqual(rz.tolerance_for(row(0, None)), 1e-4)  # ONNX Runtime could not run the peer's file
        self.assertEqual(len(rz.failures(row(2e-4, None))[0]), 1)

    def test_input_check_scales_with_the_tolerance_applied(self):
        # 0.05 is 500 base tolerances but only 46 of the raised one (1.082e-3): too little.
        loose = dict(row(5e-4, 5.41e-4), traced=checked(5e-4, sensitivity=0.05))
        traced = rz.failures(loose)[0]
        self.assertEqual(len(traced), 1)
        self.assertIn("barely depends on the input (0.05, under 100 tolerances)", traced[0])
        tight = dict(row(5e-5, 1e-5), traced=checked(5e-5, sensitivity=0.05))
        self.assertEqual(rz.failures(tight)[0], [])


class ScopesWhereThePeerFails(unittest.TestCase):
    def test_tags_are_judged_where_the_scopes_came_without_the_peer(self):
        r = row(1e-6, None, peer_ok=False)
        self.assertEqual(rz.failures(r)[0], [])
        r["traced"] = dict(checked(1e-6), tags_match_peer=False, tags_vs_peer="attn: MatMul 2/3")
        self.assertIn("tags differ from torch.onnx.export's scopes: attn: MatMul 2/3", rz.failures(r)[0][0])
        del r["traced"]["tags_match_peer"]  # no scopes at all: nothing to compare
        self.assertEqual(rz.failures(r)[0], [])


class PeerMemoryLimit(unittest.TestCase):
    """wide_worker.address_space_limit, which keeps the peer's export of MViT from taking the
    machine down: an allocation past the limit fails inside, and the limit is lifted after."""

    def test_allocation_past_the_limit_fails_inside_only(self):
        import resource
        import wide_worker  # imports torch: only this test pays for it

        before = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        with wide_worker.address_space_limit(mapped + (512 << 20)):
            with self.assertRaises(MemoryError):
                bytearray(1 << 30)
        self.assertEqual(resource.getrlimit(resource.RLIMIT_AS), before)
        self.assertEqual(len(bytearray(1 << 30)), 1 << 30)
        with wide_worker.address_space_limit(None):  # no limit for the other models
            self.assertEqual(resource.getrlimit(resource.RLIMIT_AS), before)


if __name__ == "__main__":
    unittest.main()
