/* lmtp_server.h - the accept loop of pogate-lmtp: one thread per connection.
 *
 * Why threads: the delivery core is blocking (write, fsync, link, fsync), and
 * group commit is exactly many deliveries blocked in the same fsync at once;
 * a thread per connection lets them block independently with no callback
 * plumbing, and Postfix opens only lmtp_destination_concurrency_limit (20 by
 * default) connections per server, so the thread count stays small. A limit
 * (lmtp_max_connections) caps it; a client over the limit gets 421 4.3.2.
 */
#ifndef POGATE_LMTP_SERVER_H
#define POGATE_LMTP_SERVER_H

/* Serve one accepted connection (the function owns and closes FD). */
typedef void (*lmtp_conn_fn)(int fd, void *arg);

/* Accept on the NLISTEN sockets LISTEN_FDS (at most 16) until STOP_FD
 * becomes readable, running SERVE(fd, ARG)
 * in a thread per connection, at most MAX at once. Returns after every
 * connection thread has finished (the sessions see STOP_FD too and end at
 * their next command, so deliveries in flight complete first). */
void lmtp_server_run(const int *listen_fds, int nlisten, int stop_fd, int max, lmtp_conn_fn serve, void *arg);

#endif
