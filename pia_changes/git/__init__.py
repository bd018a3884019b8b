"""The one door to git: own hardened plumbing on the hot read path, GitPython off it."""
