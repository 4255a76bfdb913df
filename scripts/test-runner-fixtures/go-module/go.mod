module kubequest.local/go-module-fixture

go 1.22
