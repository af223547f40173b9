#!/bin/bash
# two passes in opposite orders, 7 runs per cell per pass
cd /tmp/stl   # venv/, copies of portal.py and measure.py, dist/ from pyinstaller
P=./venv/bin/python
SRC="/tmp/stl/venv/bin/streamlit run /tmp/stl/portal.py"
EXE="/tmp/stl/dist/centermind-portal"
run() { echo "=== pass $1 $2 $3 $(date -u +%FT%TZ) load $(cat /proc/loadavg)"; $P measure.py --runs 7 --mode $3 -- $4; }
run A source warm "$SRC"; run A exe warm "$EXE"; run A source cold "$SRC"; run A exe cold "$EXE"
run B exe cold "$EXE"; run B source cold "$SRC"; run B exe warm "$EXE"; run B source warm "$SRC"
echo "=== done $(date -u +%FT%TZ) load $(cat /proc/loadavg)"
