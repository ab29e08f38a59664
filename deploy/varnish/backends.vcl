# The app servers behind the cache: one backend block each, added to the director below.
# Replace the addresses with your gunicorn servers; list as many as you run.

probe healthz {
    .url = "/healthz";
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;  # healthy from the start; a server that fails 3 of 5 probes is skipped
}

backend app1 {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = healthz;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8002";
    .probe = healthz;
}

sub vcl_init {
    new servers = directors.round_robin();
    servers.add_backend(app1);
    servers.add_backend(app2);
}
