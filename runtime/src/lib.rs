//! The zrpc runtime: zerorpc protocol v3 servers and clients over ZeroMQ.
