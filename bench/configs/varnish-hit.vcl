vcl 4.1;
# SUT: Varnish 7.1 cache (builtin VCL), copied from the shared anchors (varnish-hit.vcl).
# bench/run.sh starts it on core 0 (taskset -c 0) in the foreground:
#   varnishd -F -n RUNDIR/varnish-hit -a 127.0.0.1:18715 -f THIS -s malloc,256m -p thread_pools=1
# The origin's port 18701 sends Cache-Control: max-age=3600.
backend origin { .host = "127.0.0.1"; .port = "18701"; }
