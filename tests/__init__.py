"""pia-changes tests: a package, so that test modules import the shared helpers as `tests.helpers`."""
