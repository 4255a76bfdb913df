module kubequest.local/runc-wrapper

go 1.22
