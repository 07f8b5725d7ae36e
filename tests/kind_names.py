"""Dataset names of every unit kind, as the program exports them (`hopelab kinds --json`, from
experiments/kinds/), so the tests that read results files with h5py spell no dataset name of their own:

    names = kind_names(cli)["mc-preference"]
    group[names["verdict"]]       # "verdict", or KindNameError if mc-preference exports no "verdict"
    list(names)                   # every exported dataset of the kind, in the program's order

A renamed or removed dataset therefore fails the test at the lookup, naming the kind and the name.
The program runs once per (cli) per process.

Scripts import it by a path relative to their own file:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    from kind_names import kind_names
"""

import functools
import json
import subprocess


class KindNameError(LookupError):
    """A kind, or a dataset of a kind, that `hopelab kinds --json` does not export."""

    def __str__(self):
        return self.args[0]


class KindDatasets:
    """One kind's exported datasets: names["x"] -> "x" if exported, else KindNameError."""

    def __init__(self, kind, datasets):
        self.kind = kind
        self._datasets = {d["name"]: d for d in datasets}

    def __getitem__(self, name):
        if name not in self._datasets:
            raise KindNameError("hopelab kinds --json: kind %r exports no dataset %r (it exports %s)"
                                % (self.kind, name, ", ".join(self._datasets) or "none"))
        return name

    def __contains__(self, name):
        return name in self._datasets

    def __iter__(self):
        return iter(self._datasets)

    def __len__(self):
        return len(self._datasets)

    def unit(self, name):
        return self._datasets[self[name]]["unit"]


class Kinds:
    """Every kind: kinds["mc-preference"] -> KindDatasets, else KindNameError."""

    def __init__(self, catalogue):
        self._kinds = {k["name"]: KindDatasets(k["name"], k["datasets"]) for k in catalogue["kinds"]}

    def __getitem__(self, kind):
        if kind not in self._kinds:
            raise KindNameError("hopelab kinds --json: no kind %r (kinds: %s)" % (kind, ", ".join(self._kinds)))
        return self._kinds[kind]

    def __contains__(self, kind):
        return kind in self._kinds

    def __iter__(self):
        return iter(self._kinds)


@functools.lru_cache(maxsize=None)
def kind_names(cli):
    """Runs `CLI kinds --json` (once per cli) and returns its kinds; raises RuntimeError if it fails."""
    p = subprocess.run([cli, "kinds", "--json"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("%s kinds --json: exit %d: %s" % (cli, p.returncode, p.stderr.strip()))
    try:
        return Kinds(json.loads(p.stdout))
    except (ValueError, KeyError, TypeError) as e:
        raise RuntimeError("%s kinds --json: not the documented {\"kinds\": [...]} object (%s): %r"
                           % (cli, e, p.stdout[:200])) from e
