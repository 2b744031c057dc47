package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"
)

// rawClient speaks just enough HTTP/1.1 for the benchmark over one kept-alive
// connection per worker: write the request, read the status, the headers and
// a Content-Length body. net/http's client cost about as much CPU per request
// as the server itself (two goroutines and channel hand-offs per connection),
// and the load generator shares the cores with what it measures.
type rawClient struct {
	host    string // host:port
	timeout time.Duration
	conn    net.Conn
	r       *bufio.Reader
	req     []byte
}

func newRawClient(base string, timeout time.Duration) (*rawClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	return &rawClient{host: u.Host, timeout: timeout}, nil
}

// do sends one request and returns the response's status code; the body is
// read and discarded. Any error closes the connection: the next call redials.
func (c *rawClient) do(method, path string, body []byte) (int, error) {
	status, err := c.roundTrip(method, path, body)
	if err != nil && c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
	return status, err
}

func (c *rawClient) roundTrip(method, path string, body []byte) (int, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.host, c.timeout)
		if err != nil {
			return 0, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	if err := c.conn.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	c.req = append(c.req[:0], method...)
	c.req = append(c.req, ' ')
	c.req = append(c.req, path...)
	c.req = append(c.req, " HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, c.host...)
	c.req = append(c.req, "\r\n"...)
	if body != nil {
		c.req = append(c.req, "Content-Type: application/json\r\nContent-Length: "...)
		c.req = strconv.AppendInt(c.req, int64(len(body)), 10)
		c.req = append(c.req, "\r\n"...)
	}
	c.req = append(c.req, "\r\n"...)
	c.req = append(c.req, body...)
	if _, err := c.conn.Write(c.req); err != nil {
		return 0, err
	}
	return c.readResponse()
}

var errNoLength = errors.New("response with neither Content-Length nor chunked encoding")

func (c *rawClient) readResponse() (int, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("malformed status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("malformed status line %q", line)
	}
	length, chunked, closing := -1, false, false
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, fmt.Errorf("malformed Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closing = true
		}
	}
	switch {
	case chunked:
		if err := c.discardChunks(); err != nil {
			return 0, err
		}
	case length < 0 && status != 204 && status != 304:
		return 0, errNoLength
	case length > 0:
		if _, err := c.r.Discard(length); err != nil {
			return 0, fmt.Errorf("reading the body: %w", err)
		}
	}
	if closing {
		c.conn.Close()
		c.conn = nil
	}
	return status, nil
}

// discardChunks reads a chunked body to its end: size lines, data, CRLF, and
// the (empty) trailer after the last, zero-sized chunk.
func (c *rawClient) discardChunks() error {
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		hexSize, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		size, err := strconv.ParseInt(string(hexSize), 16, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("malformed chunk size %q", line)
		}
		if size == 0 {
			for { // trailer lines up to the blank one
				line, err := c.r.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := c.r.Discard(int(size) + 2); err != nil {
			return fmt.Errorf("reading a chunk: %w", err)
		}
	}
}
