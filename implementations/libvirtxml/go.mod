module domainbackup-harness.example/implementations/libvirtxml

go 1.19

require libvirt.org/go/libvirtxml v1.12008.0
