// Command libvirtxml is the domainbackup-harness adapter for libvirt's Go XML binding
// (libvirt.org/go/libvirtxml): each case's document goes through DomainBackup.Unmarshal,
// then Marshal, and the text it writes is the answer. It speaks the harness's NDJSON
// protocol on standard input and output:
//
//	-> {"cmd":"start","version":1}
//	<- {"ok":true,"name":"libvirtxml",...,"modes":["parse"],"profiles":[...]}
//	-> {"cmd":"run","seq":N,"mode":"parse","profile":"11.3","xml":"..."}
//	   (a document that is not UTF-8 comes as "xml_base64", since the handshake says "bytes")
//	<- {"seq":N,"accepted":true,"xml":"..."}  or  {"seq":N,"accepted":false,"message":"..."}
//	-> {"cmd":"stop"}
//
// The binding reads and writes; it does not validate, align or read status XML, so the
// handshake declares the parse mode only and no validation.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"libvirt.org/go/libvirtxml"
)

type request struct {
	Cmd     string `json:"cmd"`
	Seq     uint64 `json:"seq"`
	Mode    string `json:"mode"`
	Profile string `json:"profile"`
	XML     string `json:"xml"`
	// XMLBase64 holds a document that is not UTF-8 (a JSON string cannot).
	XMLBase64 string `json:"xml_base64"`
}

type answer struct {
	Seq      uint64 `json:"seq"`
	Accepted bool   `json:"accepted"`
	XML      string `json:"xml,omitempty"`
	Message  string `json:"message,omitempty"`
}

type handshake struct {
	OK        bool     `json:"ok"`
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Modes     []string `json:"modes"`
	Profiles  []string `json:"profiles"`
	Validates string   `json:"validates"`
	Bytes     bool     `json:"bytes"`
}

// roundTrip is what a Go program around libvirt does with a backup document.
func roundTrip(doc string) answer {
	var backup libvirtxml.DomainBackup
	if err := backup.Unmarshal(doc); err != nil {
		return answer{Accepted: false, Message: "Unmarshal: " + err.Error()}
	}
	out, err := backup.Marshal()
	if err != nil {
		return answer{Accepted: false, Message: "Marshal: " + err.Error()}
	}
	return answer{Accepted: true, XML: out + "\n"}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	// A document may be large: lines of up to 64 MiB.
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintf(os.Stderr, "libvirtxml adapter: not a request: %v\n", err)
			os.Exit(2)
		}
		switch r.Cmd {
		case "start":
			encoder.Encode(handshake{
				OK:        true,
				Name:      "libvirtxml",
				Version:   "v1.12008.0+",
				Modes:     []string{"parse"},
				Profiles:  []string{"9.0", "11.3"},
				Validates: "none",
				Bytes:     true,
			})
		case "run":
			doc := r.XML
			if r.XMLBase64 != "" {
				raw, err := base64.StdEncoding.DecodeString(r.XMLBase64)
				if err != nil {
					fmt.Fprintf(os.Stderr, "libvirtxml adapter: bad xml_base64: %v\n", err)
					os.Exit(2)
				}
				// A Go string holds any bytes: the binding gets them as they are.
				doc = string(raw)
			}
			a := roundTrip(doc)
			a.Seq = r.Seq
			encoder.Encode(a)
		case "stop":
			out.Flush()
			return
		}
		// One answer a line, at once: the harness pipelines requests but waits for answers.
		out.Flush()
	}
}
