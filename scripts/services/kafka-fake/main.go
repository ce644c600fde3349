// Command kafka-fake runs kfake (github.com/twmb/franz-go/pkg/kfake), an in-memory cluster that
// speaks the Kafka protocol, on 127.0.0.1 for Tide's integration tests: neither Debian nor npm
// ships a Kafka broker. One broker listens on -port and advertises -advertise-port in its
// metadata, so that clients reach it through a test's TCP proxy on that port (which can then
// delay or cut the connection). It runs until interrupted and prints its address once ready.
//
// kfake's SASL handshake does not list the server's mechanisms, which kafkajs requires, so the
// broker runs without authentication.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

// advertised is a listener that reports another address: the one kfake puts in its metadata.
type advertised struct {
	net.Listener
	addr net.Addr
}

func (l advertised) Addr() net.Addr { return l.addr }

func main() {
	port := flag.Int("port", 19092, "port to listen on, on 127.0.0.1")
	advertisePort := flag.Int("advertise-port", 0, "port to advertise (default: -port)")
	flag.Parse()
	adv := *advertisePort
	if adv == 0 {
		adv = *port
	}
	listen := func(network, address string) (net.Listener, error) {
		ln, err := net.Listen(network, address)
		if err != nil {
			return nil, err
		}
		return advertised{ln, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: adv}}, nil
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(*port), kfake.ListenFn(listen))
	if err != nil {
		fmt.Fprintln(os.Stderr, "kafka-fake:", err)
		os.Exit(1)
	}
	fmt.Printf("127.0.0.1:%d\n", *port)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	cluster.Close()
}
