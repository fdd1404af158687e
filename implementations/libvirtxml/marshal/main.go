// Command marshal is the domainbackup-harness emitter adapter for libvirt's Go XML binding
// (libvirt.org/go/libvirtxml): each intent is built into a DomainBackup the way a Go program
// fills one in, field by field, and DomainBackup.Marshal writes the document. It speaks the
// harness's emitter protocol on standard input and output:
//
//	-> {"cmd":"start","version":1,"role":"emitter"}
//	<- {"ok":true,"role":"emitter","name":"libvirtxml-marshal",...,"profiles":[...]}
//	-> {"cmd":"emit","seq":N,"profile":"11.3","intent":{"mode":"pull",...}}
//	<- {"seq":N,"xml":"..."}  or  {"seq":N,"unsupported":["disks[0].scratch.encryption.cipher"]}
//	-> {"cmd":"stop"}
//
// A field has a place in the binding's types or it does not: what has none (a mode other
// than push or pull, a scratch file in push mode, a second <label>, an encryption's
// <cipher>) is answered as unsupported, naming the intent's field. What has a place is set
// as given, and what Marshal then writes is the answer, whatever it leaves out.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"libvirt.org/go/libvirtxml"
)

// The intent, as the harness's schema (schema/intent/) describes it: every value a string,
// a missing key left unwritten.
type intent struct {
	Mode        *string       `json:"mode"`
	Incremental *string       `json:"incremental"`
	Server      *serverIntent `json:"server"`
	Disks       *[]diskIntent `json:"disks"`
}

type serverIntent struct {
	Transport *string `json:"transport"`
	TLS       *string `json:"tls"`
	Name      *string `json:"name"`
	Port      *string `json:"port"`
	Socket    *string `json:"socket"`
	FDGroup   *string `json:"fdgroup"`
}

type diskIntent struct {
	Name         *string      `json:"name"`
	Backup       *string      `json:"backup"`
	BackupMode   *string      `json:"backupmode"`
	Incremental  *string      `json:"incremental"`
	ExportName   *string      `json:"exportname"`
	ExportBitmap *string      `json:"exportbitmap"`
	Type         *string      `json:"type"`
	Target       *storeIntent `json:"target"`
	Scratch      *storeIntent `json:"scratch"`
	Driver       *string      `json:"driver"`
}

type storeIntent struct {
	File       *string           `json:"file"`
	Dev        *string           `json:"dev"`
	Seclabels  *[]seclabelIntent `json:"seclabels"`
	Encryption *encryptionIntent `json:"encryption"`
}

type seclabelIntent struct {
	Model     *string   `json:"model"`
	Relabel   *string   `json:"relabel"`
	LabelSkip *string   `json:"labelskip"`
	Labels    *[]string `json:"labels"`
}

type encryptionIntent struct {
	Format  *string          `json:"format"`
	Engine  *string          `json:"engine"`
	Secrets *[]secretIntent  `json:"secrets"`
	Cipher  *json.RawMessage `json:"cipher"`
	Ivgen   *json.RawMessage `json:"ivgen"`
}

type secretIntent struct {
	Type  *string `json:"type"`
	UUID  *string `json:"uuid"`
	Usage *string `json:"usage"`
}

type request struct {
	Cmd     string `json:"cmd"`
	Seq     uint64 `json:"seq"`
	Profile string `json:"profile"`
	Intent  intent `json:"intent"`
}

type answer struct {
	Seq         uint64   `json:"seq"`
	XML         *string  `json:"xml,omitempty"`
	Unsupported []string `json:"unsupported,omitempty"`
}

type handshake struct {
	OK       bool     `json:"ok"`
	Role     string   `json:"role"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Profiles []string `json:"profiles"`
}

// builder fills a DomainBackup and notes each intent field that has no place in it.
type builder struct {
	unsupported []string
}

func (b *builder) none(path string) {
	b.unsupported = append(b.unsupported, path)
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (b *builder) backup(in intent) libvirtxml.DomainBackup {
	out := libvirtxml.DomainBackup{Incremental: text(in.Incremental)}
	// The binding has no mode of its own: a Push or a Pull part says it. A missing mode is
	// libvirt's default, push.
	mode := "push"
	if in.Mode != nil {
		mode = *in.Mode
	}
	switch mode {
	case "push":
		out.Push = &libvirtxml.DomainBackupPush{}
		if in.Server != nil {
			b.none("server")
		}
		if in.Disks != nil {
			out.Push.Disks = &libvirtxml.DomainBackupPushDisks{}
			for i, d := range *in.Disks {
				out.Push.Disks.Disks = append(out.Push.Disks.Disks, b.pushDisk(fmt.Sprintf("disks[%d]", i), d))
			}
		}
	case "pull":
		out.Pull = &libvirtxml.DomainBackupPull{}
		if in.Server != nil {
			out.Pull.Server = b.server(*in.Server)
		}
		if in.Disks != nil {
			out.Pull.Disks = &libvirtxml.DomainBackupPullDisks{}
			for i, d := range *in.Disks {
				out.Pull.Disks.Disks = append(out.Pull.Disks.Disks, b.pullDisk(fmt.Sprintf("disks[%d]", i), d))
			}
		}
	default:
		b.none("mode")
	}
	return out
}

func (b *builder) server(in serverIntent) *libvirtxml.DomainBackupPullServer {
	out := &libvirtxml.DomainBackupPullServer{TLS: text(in.TLS)}
	transport := "tcp"
	if in.Transport != nil {
		transport = *in.Transport
	}
	tcp, unix, fd := in.Name != nil || in.Port != nil, in.Socket != nil, in.FDGroup != nil
	switch transport {
	case "tcp":
		out.TCP = &libvirtxml.DomainBackupPullServerTCP{Name: text(in.Name)}
		if in.Port != nil {
			port, err := strconv.ParseUint(*in.Port, 10, 0)
			if err != nil {
				b.none("server.port")
			}
			out.TCP.Port = uint(port)
		}
		tcp = false
	case "unix":
		out.UNIX = &libvirtxml.DomainBackupPullServerUNIX{Socket: text(in.Socket)}
		unix = false
	case "fd":
		out.FD = &libvirtxml.DomainBackupPullServerFD{FDGroup: text(in.FDGroup)}
		fd = false
	default:
		b.none("server.transport")
		return out
	}
	// Each transport has its own attributes; another's has no place.
	if tcp {
		if in.Name != nil {
			b.none("server.name")
		}
		if in.Port != nil {
			b.none("server.port")
		}
	}
	if unix {
		b.none("server.socket")
	}
	if fd {
		b.none("server.fdgroup")
	}
	return out
}

func (b *builder) driver(in diskIntent) *libvirtxml.DomainBackupDiskDriver {
	if in.Driver == nil {
		return nil
	}
	return &libvirtxml.DomainBackupDiskDriver{Type: *in.Driver}
}

func (b *builder) pushDisk(path string, in diskIntent) libvirtxml.DomainBackupPushDisk {
	out := libvirtxml.DomainBackupPushDisk{
		Name:        text(in.Name),
		Backup:      text(in.Backup),
		BackupMode:  text(in.BackupMode),
		Incremental: text(in.Incremental),
		Driver:      b.driver(in),
	}
	if in.ExportName != nil {
		b.none(path + ".exportname")
	}
	if in.ExportBitmap != nil {
		b.none(path + ".exportbitmap")
	}
	if in.Scratch != nil {
		b.none(path + ".scratch")
	}
	out.Target = b.source(path, "target", in.Type, in.Target)
	return out
}

func (b *builder) pullDisk(path string, in diskIntent) libvirtxml.DomainBackupPullDisk {
	out := libvirtxml.DomainBackupPullDisk{
		Name:         text(in.Name),
		Backup:       text(in.Backup),
		BackupMode:   text(in.BackupMode),
		Incremental:  text(in.Incremental),
		ExportName:   text(in.ExportName),
		ExportBitmap: text(in.ExportBitmap),
		Driver:       b.driver(in),
	}
	if in.Target != nil {
		b.none(path + ".target")
	}
	out.Scratch = b.source(path, "scratch", in.Type, in.Scratch)
	return out
}

// source is a target or scratch. The binding writes the disk's type from the kind of its
// source, so a type with no target or scratch is a source of that kind left empty (which
// Marshal writes as the type alone, as Unmarshal reads it).
func (b *builder) source(path, name string, kind *string, in *storeIntent) *libvirtxml.DomainDiskSource {
	if in == nil && kind == nil {
		return nil
	}
	at := path + "." + name
	store := storeIntent{}
	if in != nil {
		store = *in
	}
	out := &libvirtxml.DomainDiskSource{}
	typ := "file"
	if kind != nil {
		typ = *kind
	}
	labels := b.seclabels(at, store.Seclabels)
	switch typ {
	case "file":
		out.File = &libvirtxml.DomainDiskSourceFile{File: text(store.File), SecLabel: labels}
		if store.Dev != nil {
			b.none(at + ".dev")
		}
	case "block":
		out.Block = &libvirtxml.DomainDiskSourceBlock{Dev: text(store.Dev), SecLabel: labels}
		if store.File != nil {
			b.none(at + ".file")
		}
	case "dir", "network", "volume":
		// Kinds of source libvirt's backups do not take: their attributes are others
		// altogether, so only the kind itself can be written.
		switch typ {
		case "dir":
			out.Dir = &libvirtxml.DomainDiskSourceDir{}
		case "network":
			out.Network = &libvirtxml.DomainDiskSourceNetwork{}
		default:
			out.Volume = &libvirtxml.DomainDiskSourceVolume{}
		}
		if store.File != nil {
			b.none(at + ".file")
		}
		if store.Dev != nil {
			b.none(at + ".dev")
		}
		if store.Seclabels != nil {
			b.none(at + ".seclabels")
		}
	default:
		b.none(path + ".type")
		return nil
	}
	if store.Encryption != nil {
		out.Encryption = b.encryption(at+".encryption", *store.Encryption)
	}
	return out
}

func (b *builder) seclabels(at string, in *[]seclabelIntent) []libvirtxml.DomainDeviceSecLabel {
	if in == nil {
		return nil
	}
	out := []libvirtxml.DomainDeviceSecLabel{}
	for i, s := range *in {
		label := libvirtxml.DomainDeviceSecLabel{
			Model:     text(s.Model),
			Relabel:   text(s.Relabel),
			LabelSkip: text(s.LabelSkip),
		}
		if s.Labels != nil {
			switch len(*s.Labels) {
			case 0:
			case 1:
				label.Label = (*s.Labels)[0]
			default:
				// One Label string: a second <label> has no place.
				b.none(fmt.Sprintf("%s.seclabels[%d].labels[1]", at, i))
			}
		}
		out = append(out, label)
	}
	return out
}

func (b *builder) encryption(at string, in encryptionIntent) *libvirtxml.DomainDiskEncryption {
	out := &libvirtxml.DomainDiskEncryption{Format: text(in.Format), Engine: text(in.Engine)}
	if in.Secrets != nil {
		for _, s := range *in.Secrets {
			out.Secrets = append(out.Secrets, libvirtxml.DomainDiskSecret{
				Type:  text(s.Type),
				UUID:  text(s.UUID),
				Usage: text(s.Usage),
			})
		}
	}
	// The disk encryption type has secrets only.
	if in.Cipher != nil {
		b.none(at + ".cipher")
	}
	if in.Ivgen != nil {
		b.none(at + ".ivgen")
	}
	return out
}

func emit(in intent) answer {
	var b builder
	backup := b.backup(in)
	if len(b.unsupported) > 0 {
		return answer{Unsupported: b.unsupported}
	}
	doc, err := backup.Marshal()
	if err != nil {
		// Marshal fails on nothing the types can hold; say so plainly if it does.
		fmt.Fprintf(os.Stderr, "libvirtxml-marshal adapter: Marshal: %v\n", err)
		os.Exit(3)
	}
	doc += "\n"
	return answer{XML: &doc}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintf(os.Stderr, "libvirtxml-marshal adapter: not a request: %v\n", err)
			os.Exit(2)
		}
		switch r.Cmd {
		case "start":
			encoder.Encode(handshake{
				OK:       true,
				Role:     "emitter",
				Name:     "libvirtxml-marshal",
				Version:  "v1.12008.0+",
				Profiles: []string{"9.0", "11.3"},
			})
		case "emit":
			a := emit(r.Intent)
			a.Seq = r.Seq
			encoder.Encode(a)
		case "stop":
			out.Flush()
			return
		}
		out.Flush()
	}
}
