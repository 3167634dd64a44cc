# goldspan: `make run` opens the app, `make test` runs the whole suite headless.
# Both set everything up on a fresh machine: the venv, the dependencies, the model.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test bench soak clean screenshot

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "goldspan needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test,model]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/goldspan gui

test: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# Bytecode caching on (as for any user): with PYTHONDONTWRITEBYTECODE set, every
# timed process would recompile goldspan's modules and the bare baselines have none.
bench: install
	env -u PYTHONDONTWRITEBYTECODE QT_QPA_PLATFORM=offscreen $(PY) bench/run.py

# A longer fault-injection run (a few minutes): 40 SIGKILLs of a real writer instead of
# 5, five to six times the fuzz and round-trip examples with fresh random seeds (GOLDSPAN_SOAK=1),
# a real disk filled at 25 points instead of 3, plus the hostile-input, label-rule
# (writers exact or refusing), GUI, streaming, lock and read-only tests, random changes
# to exported folders and 12 SIGKILLs of an export and one of train.
# Set GOLDSPAN_SOAK_SEED to replay.
soak: install
	GOLDSPAN_SOAK=1 GOLDSPAN_SOAK_KILLS=$${GOLDSPAN_SOAK_KILLS:-40} QT_QPA_PLATFORM=offscreen \
		$(PY) -m pytest -q -p no:cacheprovider tests/test_crash_safety.py \
		tests/test_fuzz_readers.py tests/test_roundtrip_property.py tests/test_hostile_records.py \
		tests/test_label_rule.py tests/test_hostile_text_gui.py tests/test_streaming_import.py \
		tests/test_store_failures.py tests/test_output_folders.py tests/test_output_leftovers.py \
		tests/test_kill_during_bulk_writes.py tests/test_input_paths.py \
		tests/test_export_snapshot.py tests/test_merge_snapshot.py tests/test_lock_during_runs.py \
		tests/test_outputs_over_databases.py tests/test_restore.py tests/test_number_options.py

screenshot: install
	QT_QPA_PLATFORM=offscreen $(PY) resources/make_screenshot.py
	QT_QPA_PLATFORM=offscreen $(PY) resources/make_review_screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
