# Thin wrapper over CMake. `make run` and `make test` work on a fresh clone: both first run
# scripts/bootstrap, which installs any missing Debian package (and does nothing otherwise).
# `make run` and `make report` build only the hopelab target; `make test` builds everything.
# Other configurations: the presets of CMakePresets.json (README.md, "Build presets").

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

# Quiet: no "Entering directory" lines; a build that does nothing prints nothing (BUILD_QUIET
# drops CMake's per-target progress lines, keeps compiler lines and errors); pipefail keeps the
# status of the first command of a pipe, so a failing build or run still fails the target.
MAKEFLAGS += --no-print-directory
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
BUILD_QUIET = { grep --line-buffered -v -E '^\[ *[0-9]+%\] (Built target|Reading the git commit)|^Consolidate compiler generated dependencies' || true; }

.PHONY: all bootstrap configure build cli run report test test-long mutation bench bench-vlm bench-vlm-device bench-train bench-mpi bench-loaded clean

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

# Everything: libraries, the CLI, tests and benchmarks (what `make test` needs).
build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) 2>&1 | $(BUILD_QUIET)

# The command line alone, ./$(BUILD_DIR)/hopelab, and what it links (no tests, no benchmarks).
cli: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target hopelab 2>&1 | $(BUILD_QUIET)

# The main job: the paper-verification suite (experiments/paper.toml), its claims table on
# stdout, everything in data/results/paper.h5 (the runner creates data/results/). Minutes.
# RUN_FLAGS: e.g. "--samples-factor 10" for ten times the Monte Carlo budget.
# Then its figures (PNG, SVG, gnuplot script and data of each) in data/figures/. Then the
# literature suite (experiments/literature.toml: claims of the 2025-26 papers, seconds) into
# data/results/literature.h5, its claims table and its figures in data/figures/literature/.
RUN_FLAGS ?=
run: cli
	@./$(BUILD_DIR)/hopelab run experiments/paper.toml -o data/results/paper.h5 --force $(RUN_FLAGS)
	@./$(BUILD_DIR)/hopelab plot data/results/paper.h5 -o data/figures/
	@./$(BUILD_DIR)/hopelab run experiments/literature.toml -o data/results/literature.h5 --force $(RUN_FLAGS)
	@./$(BUILD_DIR)/hopelab plot data/results/literature.h5 -o data/figures/literature/

# The theory report at Qwen2 settings (seconds).
report: cli
	@./$(BUILD_DIR)/hopelab theory report --head-dim 128 --base 1e6

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE long

test-long: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Mutation testing: every mutation of tests/mutations.toml, one at a time (an hour or more;
# docs/testing.md). MUTATE_FLAGS: e.g. "--only claims" or "--json mutation.json".
MUTATE_FLAGS ?=
mutation: build
	@scripts/mutate $(BUILD_DIR) --jobs $(JOBS) $(MUTATE_FLAGS)

# Monte Carlo throughput against the NumPy baselines (minutes; not part of the tests). Given
# TORCH_PYTHON (a Python with torch and a pip NumPy), also against PyTorch and OpenBLAS.
bench: build
	@/usr/bin/python3 benchmarks/bench_mc.py --hopelab $(BUILD_DIR)/hopelab \
	  $(if $(filter command line environment,$(origin TORCH_PYTHON)),--torch-python $(TORCH_PYTHON))

# VLM prefill and decode against the NumPy reference (about 8 minutes; docs/perf.md).
# BENCH_FLAGS: e.g. "--torch-python /path/to/python" to time transformers' Qwen2-VL too.
BENCH_FLAGS ?=
bench-vlm: build
	@/usr/bin/python3 benchmarks/bench_vlm.py --hopelab $(BUILD_DIR)/hopelab $(BENCH_FLAGS)

# VLM training tokens/s against the same model in PyTorch, and a 600-step run (docs/perf.md).
# TORCH_PYTHON: a Python with torch and transformers (default python3; without them, hopelab alone).
TORCH_PYTHON ?= python3
bench-train: cli
	@/usr/bin/python3 benchmarks/bench_train.py --hopelab $(BUILD_DIR)/hopelab --torch-python $(TORCH_PYTHON) $(BENCH_FLAGS)

# hopelab run across MPI processes: strong and weak scaling of paper.toml and of one Monte Carlo
# unit (docs/perf.md; many minutes). BENCH_FLAGS: e.g. "--ranks 1,2,4 --only mc".
bench-mpi: cli
	@/usr/bin/python3 benchmarks/bench_mpi.py --hopelab $(BUILD_DIR)/hopelab $(BENCH_FLAGS)

# A frame-match unit, mc preference and vlm logits at 8k alone and beside 6 busy processes
# (docs/perf.md "A loaded machine"; about a minute). BENCH_FLAGS: e.g. "--busy 3 --rounds 5".
bench-loaded: cli
	@/usr/bin/python3 benchmarks/bench_loaded.py --hopelab $(BUILD_DIR)/hopelab $(BENCH_FLAGS)

# The VLM host model beside its device backend: the CUDA build where it finds a GPU, else the
# CPU build (docs/perf.md).
bench-vlm-device: build
	@cuda=$(BUILD_DIR)/benchmarks/vlm_device_bench_cuda; \
	if [ -x $$cuda ] && $$cuda --tokens 1 --repeats 1 --decode-steps 1 --skip-host >/dev/null 2>&1; then \
	  $$cuda $(BENCH_FLAGS); else $(BUILD_DIR)/benchmarks/vlm_device_bench $(BENCH_FLAGS); fi

clean:
	@rm -rf $(BUILD_DIR)
