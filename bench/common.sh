# Sourced by the bench scripts that make the README's tables: what every table's run prints first.
# bench_stamp: the date and time (UTC), the CPU's model name and the load average, so that a figure
# can be quoted with its machine, and a run under load is seen as one.
bench_stamp() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
}
